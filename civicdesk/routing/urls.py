from django.urls import path

from civicdesk.routing.views import agents, queues, reinforcements, rota

app_name = "routing"

# A centre's queues, skills and agents (kept by its supervisors, read by its agents); ?center=slug names it.
urlpatterns: list = [
    path("routing/queues/", queues.queue_list, name="queue_list"),
    path("routing/queues/new/", queues.queue_create, name="queue_create"),
    path("routing/queues/<slug:key>/edit/", queues.queue_edit, name="queue_edit"),
    path("routing/skills/", queues.skill_list, name="skill_list"),
    path("routing/agents/", agents.agent_list, name="agent_list"),
    path("routing/agents/new/", agents.agent_enrol, name="agent_enrol"),
    path("routing/agents/<str:code>/edit/", agents.agent_edit, name="agent_edit"),
]

# The duty rota, a week at a time.
urlpatterns += [
    path("routing/rota/", rota.rota_week, name="rota_week"),
    path("routing/rota/shifts/", rota.shift_add, name="shift_add"),
    path("routing/rota/shifts/<int:pk>/remove/", rota.shift_remove, name="shift_remove"),
    path("routing/rota/copy/", rota.rota_copy_week, name="rota_copy_week"),
]

# The supervisor's button on the wallboard.
urlpatterns += [
    path("routing/reinforcements/", reinforcements.reinforcements_pull_in, name="reinforcements_pull_in"),
]
