"""The preparation and earnings of the bundled ESCO sample's occupations (see README.md)."""
