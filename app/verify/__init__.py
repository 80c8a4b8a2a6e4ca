"""Public verification (验真) of issued opinions: the page a QR code points at, and the check of an
uploaded PDF. No sign-in, rate-limited, no case or personal data."""
