"""embedsandbox."""
