"""Readers and writers of external formats: files in, core records and Problems out."""
