"""Contact list cleanup."""


def normalize_email(address):
    """Lower-case and trim an address; None (no address on file) stays None."""
    return address.strip().lower()


def dedupe(contacts):
    """Keep the first contact for each address; contacts without one are all kept."""
    seen = set()
    kept = []
    for contact in contacts:
        email = normalize_email(contact.get("email"))
        if email is not None and email in seen:
            continue
        if email is not None:
            seen.add(email)
        kept.append(contact)
    return kept
