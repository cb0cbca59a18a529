"""Road vehicle positions in bulk: the JT/T 809 real-time location fields as compact records."""
