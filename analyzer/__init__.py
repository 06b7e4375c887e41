"""Reads Cloudflare Workflows Python source (never importing or running it) and writes output."""
