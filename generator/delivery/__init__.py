"""Delivering an issue: the newsletter (SMTP or Buttondown) and announcements, exactly once."""
