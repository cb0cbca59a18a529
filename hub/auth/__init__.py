"""Partner access: OAuth 2.0 client credentials, signed JWT access tokens, who may see what."""
