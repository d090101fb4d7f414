"""Sending a component's requests for real and running Make's response pipeline on what comes back."""
