"""The shipped criteria catalogues (data); a package only so that installing parindex ships the YAML files."""
