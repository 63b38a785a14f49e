"""Block, action and callback ids of the App Home tab, the modals and the data buttons."""

ACTION_HOME_TASK_DONE = "home_task_done"
ACTION_HOME_TASK_SNOOZE = "home_task_snooze"
ACTION_HOME_TASK_NOT_RELEVANT = "home_task_not_relevant"
HOME_TASK_ACTIONS = (ACTION_HOME_TASK_DONE, ACTION_HOME_TASK_SNOOZE, ACTION_HOME_TASK_NOT_RELEVANT)

ACTION_OPEN_SETTINGS = "home_open_settings"
ACTION_PAUSE = "home_pause"
ACTION_RESUME = "home_resume"
ACTION_EXPORT = "home_export_data"
ACTION_DELETE = "home_delete_data"
ACTION_TEAM_PAGE = "home_team_page"
ACTION_CANCEL_BROADCAST = "home_cancel_broadcast"
ACTION_NEW_BROADCAST = "home_new_broadcast"

SETTINGS_CALLBACK = "settings_modal"
COMPOSER_CALLBACK = "broadcast_composer"
DELETE_CALLBACK = "delete_my_data"

# Settings modal: input block ids (the field errors name them) and their element's action id.
FIELD_NUDGE_DAY = "nudge_day"
FIELD_NUDGE_TIME = "nudge_time"
FIELD_LESSON_DAYS = "lesson_days"
FIELD_LESSON_TIME = "lesson_time"
FIELD_QUIET_FROM = "quiet_from"
FIELD_QUIET_TO = "quiet_to"
FIELD_LANGUAGE = "language"
FIELD_PAUSE_UNTIL = "pause_until"
ELEMENT = "value"
