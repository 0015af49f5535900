from __future__ import annotations

from django.urls import path

from plans.views import cycles, edit, plan, reviews

app_name = "plans"

urlpatterns = [
    path("", cycles.plan_index, name="index"),
    path("cycles/new/", cycles.cycle_create, name="cycle-create"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle-detail"),
    path("cycles/<int:pk>/activate/", cycles.cycle_activate, name="cycle-activate"),
    path("cycles/<int:pk>/review/", cycles.cycle_review, name="cycle-review"),
    path("cycles/<int:pk>/close/", cycles.cycle_close, name="cycle-close"),
    path("cycles/<int:pk>/plans/new/", plan.plan_create, name="plan-create"),
    path("<int:pk>/", plan.plan_detail, name="plan-detail"),
    path("<int:pk>/submit/", plan.plan_submit, name="plan-submit"),
    path("<int:pk>/approve/", plan.plan_approve, name="plan-approve"),
    path("<int:pk>/return/", plan.plan_return, name="plan-return"),
    path("<int:pk>/weights/", plan.plan_weights, name="plan-weights"),
    path("<int:pk>/goals/new/", edit.goal_form, name="goal-create"),
    path("<int:pk>/goals/<int:goal_pk>/", edit.goal_form, name="goal-edit"),
    path("goals/<int:pk>/delete/", edit.goal_delete, name="goal-delete"),
    path("goals/<int:pk>/readings/", plan.reading_save, name="reading-save"),
    path("goals/<int:pk>/tactics/new/", edit.tactic_form, name="tactic-create"),
    path("tactics/<int:tactic_pk>/", edit.tactic_form, name="tactic-edit"),
    path("tactics/<int:pk>/remove/", edit.tactic_remove, name="tactic-remove"),
    path("<int:pk>/reviews/<str:kind>/<int:week>/", reviews.review_form, name="review-edit"),
]
