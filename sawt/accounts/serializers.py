from rest_framework import serializers

from sawt.accounts.models import ApiToken, User, validate_time_zone


class TokenObtainInput(serializers.Serializer[None]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(max_length=100, required=False, default="API token")


class TokenObtainOutput(serializers.Serializer[None]):
    token = serializers.CharField()
    id = serializers.IntegerField()


class ApiTokenOutput(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "key_hint", "created_at", "last_used_at", "revoked_at"]


class ApiTokenCreateInput(serializers.Serializer[None]):
    name = serializers.CharField(max_length=100)
    current_password = serializers.CharField(
        max_length=4096, trim_whitespace=False, required=False, allow_blank=True,
        help_text="The account's password: a session or a token alone cannot create tokens.",
    )


class ApiTokenCreateOutput(ApiTokenOutput):
    token = serializers.CharField(read_only=True)

    class Meta(ApiTokenOutput.Meta):
        fields = [*ApiTokenOutput.Meta.fields, "token"]


class WsTicketOutput(serializers.Serializer[None]):
    ticket = serializers.CharField()
    expires_in = serializers.IntegerField()


class MeSerializer(serializers.ModelSerializer[User]):
    time_zone = serializers.CharField(max_length=64, validators=[validate_time_zone], required=False)
    current_password = serializers.CharField(
        max_length=4096, trim_whitespace=False, required=False, allow_blank=True, write_only=True,
        help_text="The account's password; required to change the e-mail.",
    )

    class Meta:
        model = User
        fields = ["id", "username", "email", "time_zone", "meeting_emails", "date_joined", "current_password"]
        read_only_fields = ["id", "username", "date_joined"]


class AccountDeleteInput(serializers.Serializer[None]):
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
