"""Access control: roles and permissions (:mod:`.model`), credentials (:mod:`.credentials`).
Users are stored and looked up by :mod:`chainmap.users`; the API enforces the rules."""
