"""The O*NET data of the bundled ESCO sample's occupations (see README.md)."""
