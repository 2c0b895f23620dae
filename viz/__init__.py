"""Network pictures of who accused whom (pyvis); arrives with the property-graph sync."""
