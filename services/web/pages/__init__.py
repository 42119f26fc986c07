"""The web front's pages, one router per journey."""

from services.web.pages import account, auth, clerk, links, operator, worker

ROUTERS = [auth.router, links.router, account.router, operator.router, clerk.router, worker.router]
