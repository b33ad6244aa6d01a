"""Outgoing e-mail over SMTP, and a local SMTP sandbox that receives and
keeps what the application sends (tests, the demo). Deleting this folder
removes the sandbox; Django's SMTP backend configured by ``EMAIL_*`` is what
sends in production."""
