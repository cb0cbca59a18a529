"""The Jiangsu road & waterway transport interop hub."""
