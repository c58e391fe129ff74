"""The dashboard's pages: one module per page, as in teams/views/."""
