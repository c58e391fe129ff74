"""A second factor for every account: TOTP with recovery codes (django-otp), the login's code
step, the account pages, a team's requirement for its owners and admins, and the admin's."""
