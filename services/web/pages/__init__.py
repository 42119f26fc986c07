"""The web front's pages, one router per journey."""

from services.web.pages import (
    account,
    auth,
    clerk,
    employer,
    links,
    notifications,
    operator,
    upload,
    worker,
    workshop,
)

ROUTERS = [
    auth.router,
    links.router,
    account.router,
    notifications.router,
    operator.router,
    upload.router,  # before clerk: /participants/upload is not a participant id
    clerk.router,
    worker.router,
    employer.router,
    workshop.router,
]
