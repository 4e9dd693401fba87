"""Configuration: typed settings loaded from the environment (and `.env`), and the message catalogues."""
