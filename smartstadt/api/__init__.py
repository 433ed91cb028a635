"""The read API (django-ninja): municipalities, organisations, inventory entries and frameworks."""
