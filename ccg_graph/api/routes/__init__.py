"""One router per protocol or concern."""
