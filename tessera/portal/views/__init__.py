"""The portal's pages: home pages, the patient overview, ending an episode."""
