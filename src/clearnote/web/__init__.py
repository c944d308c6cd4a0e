"""The clinician web app: FastAPI, server-rendered Jinja2 pages, a little plain JavaScript.

Routes are thin shells over the record system's services, which authorize and audit every call.
Build it with :func:`clearnote.web.app.create_app`.
"""
