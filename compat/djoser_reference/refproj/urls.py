from django.urls import path, include
from accounts.views import confirm_activation
urlpatterns = [
    path("auth/", include("djoser.urls")),
    path("auth/", include("djoser.urls.jwt")),
    path("auth/user/confirm-activation/<str:email>", confirm_activation),
]
