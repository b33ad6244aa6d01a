"""Zalo ZNS template messages (Zalo Notification Service style): the
adapter (:mod:`.client`) and its sandbox (:mod:`.sandbox`)."""
