"""Reviewing a proposed change: what it does to the digest, its links, its email and feeds."""
