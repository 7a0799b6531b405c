"""The site's feeds: RSS and Atom (feedgen), JSON Feed and OPML, from one model."""
