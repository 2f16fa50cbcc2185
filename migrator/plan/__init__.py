"""Planning: what each stage is, which image it moves to, and what the runtime needs."""
