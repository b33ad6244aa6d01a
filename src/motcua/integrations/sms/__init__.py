"""SMS through an HTTP SMS gateway (brandname SMS style): the adapter
(:mod:`.client`) and its sandbox (:mod:`.sandbox`)."""
