"""What an evidence file really is, read from its first bytes (never from what the sender says).

Photos and videos only: the signatures of the formats phones and body cameras write.
"""

from __future__ import annotations

SNIFF_BYTES = 32
"""How many leading bytes :func:`sniff` needs."""

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x1a\x45\xdf\xa3", "video/webm"),  # Matroska / WebM (EBML header)
)
# ISO base media files (MP4, MOV, HEIC): "ftyp" at offset 4, then the major brand.
_BRANDS: dict[bytes, str] = {
    b"heic": "image/heic", b"heix": "image/heic", b"mif1": "image/heif", b"avif": "image/avif",
    b"qt  ": "video/quicktime", b"3gp4": "video/3gpp", b"3gp5": "video/3gpp",
}  # fmt: skip


def sniff(head: bytes) -> str | None:
    """The media type of a photo or video starting with ``head``; None for anything else."""
    for prefix, media_type in _PREFIXES:
        if head.startswith(prefix):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[4:8] == b"ftyp":
        return _BRANDS.get(head[8:12], "video/mp4")
    return None
