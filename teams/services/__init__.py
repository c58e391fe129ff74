"""The teams app's services: what the views call, one function per page or action.

Views never touch the Daily client or build querysets themselves; they validate a form,
call one function here, and render what it returns.
"""
