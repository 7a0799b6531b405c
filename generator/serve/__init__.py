"""`roundup serve`: the development server and the site it keeps in memory."""
