"""Email campaigns: personalised forms sent to each respondent of a round (drafts or SMTP), and who is still missing.

`outbox` writes and sends the invitations, `status` sets what was sent beside what came back, `reminders` writes
the reminders; the store keeps the campaign (store/campaigns.py)."""
