from django.contrib.auth import get_user_model
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.exceptions import NotFound

@api_view(["GET"])
@permission_classes([AllowAny])
def confirm_activation(request, email):
    User = get_user_model()
    try:
        u = User.objects.get(email=email)
    except User.DoesNotExist:
        raise NotFound()
    return Response({"email": u.email, "is_active": u.is_active})
