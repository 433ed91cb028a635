"""The open-data catalogue of the published inventory (DCAT-AP.de)."""
