"""Letters to the referrer or GP: printable HTML and PDF, stored with the episode."""
