"""Webhooks: event catalogue, secret encryption, the outbound guard, signing and delivery."""
