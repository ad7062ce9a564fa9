"""Blended care: face-to-face, video and phone sessions within an episode."""
