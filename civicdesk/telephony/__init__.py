"""Phone numbers, IVR menus, calls and their events from the phone system, queue_log import, call
figures and the wallboard."""
