"""The exchange pipeline: documents from the agencies in, validated, mapped, stored, shared out."""
