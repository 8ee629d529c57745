"""The point-of-care web pages (``netkg web``): case form and upload, report, knowledge browser, cohort queries.

Above :mod:`netkg.registry` and :mod:`netkg.pipeline`, beside :mod:`netkg.maintenance` (docs/architecture.md).
The application is :func:`netkg.web.app.make_app`; docs/web.md describes the pages.
"""
