from djoser.serializers import UserSerializer as DjoserUserSerializer
from django.contrib.auth import get_user_model
User = get_user_model()
PROFILE = ("first_name", "last_name", "phone", "address_line_1", "address_line_2",
           "city", "state", "postcode", "country")

class UserSerializer(DjoserUserSerializer):
    class Meta(DjoserUserSerializer.Meta):
        model = User
        fields = ("id", "email", "username") + PROFILE
        read_only_fields = ("email",)

class CurrentUserSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        read_only_fields = ("id", "email")
