"""The MkDocs plugin `litproof` and the pieces of the site it builds."""
