"""Built-in checks: one module each, registered through prefcraft.checks.register."""
