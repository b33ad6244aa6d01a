"""Notifications: what the applicant and the officers are told, in their
channel (e-mail, SMS, Zalo), after a dossier event or a due date."""
