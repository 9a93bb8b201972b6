"""The fixed values people choose from: districts, occupations, registration statuses.

One module, because the form's buttons, the audiences of announcements, the reports and the
schema's CHECK constraints (migration 0003) must all name the same codes. A code is also part
of a UI text key (`district-<code>`, `status-<code>`), so a new one needs texts in both
languages and a migration for the CHECK constraint.
"""

from __future__ import annotations

DISTRICTS = ("abai", "al-farabi", "enbekshi", "karatau", "turan")
OCCUPATIONS = ("study", "work", "neet", "other")
# Registration statuses, in the order reports list them.
STATUSES = ("new", "contacted", "enrolled", "declined", "cancelled")
ACTIVE_STATUSES = ("new", "contacted", "enrolled")  # the programme still counts on them
ADMIN_STATUSES = ("contacted", "enrolled", "declined")  # what the department's buttons set
