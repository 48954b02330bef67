"""Rules as data: customer choice (choice.py), provider pay (payments.py), referral
(referral.py). Each is a frozen settings class with presets; agents consult them."""
