"""DRF under /api/v1/voicebot/: businesses, reservations (CRUD + availability), calls. One view per operation."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sawt.core.errors import Conflict, NotFound
from sawt.core.ownership import get_owned_or_404
from sawt.core.pagination import paginated, paginated_response
from sawt.core.ranges import ranged_file_response
from voicebot import selectors, services, textchat
from voicebot.models import Business, Call, Caller, Membership, Reservation
from voicebot.serializers import BusinessInput, BusinessOutput, CallDetailOutput, CallOutput, ReservationOutput


def _business_for(request: Request, business_id: int) -> Business:
    return get_owned_or_404(Business.objects.all(), request.user, pk=business_id)


class BusinessListApi(APIView):
    @extend_schema(responses=paginated(BusinessOutput), operation_id="voicebot_businesses_list", tags=["voicebot"])
    def get(self, request: Request) -> Response:
        return paginated_response(request, self, selectors.business_list(user=request.user), BusinessOutput)


class BusinessCreateApi(APIView):
    @extend_schema(request=BusinessInput, responses={201: BusinessOutput}, tags=["voicebot"])
    def post(self, request: Request) -> Response:
        data = BusinessInput(data=request.data)
        data.is_valid(raise_exception=True)
        business = services.business_create(user=request.user, **data.validated_data)
        return Response(BusinessOutput(business, context={"request": request}).data, status=status.HTTP_201_CREATED)


class BusinessDetailApi(APIView):
    @extend_schema(responses=BusinessOutput, tags=["voicebot"])
    def get(self, request: Request, business_id: int) -> Response:
        return Response(BusinessOutput(_business_for(request, business_id), context={"request": request}).data)


class BusinessUpdateApi(APIView):
    @extend_schema(request=BusinessInput, responses=BusinessOutput, tags=["voicebot"])
    def patch(self, request: Request, business_id: int) -> Response:
        business = _business_for(request, business_id)
        if business.role_of(request.user) != Membership.Role.OWNER:
            raise PermissionDenied("Only the business's owners can change its settings.")
        data = BusinessInput(business, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        business = services.business_update(business=business, **data.validated_data)
        return Response(BusinessOutput(business, context={"request": request}).data)


class AvailabilityApi(APIView):
    class Input(serializers.Serializer[None]):
        date = serializers.DateField()
        party_size = serializers.IntegerField(min_value=1, default=2)

    class Output(serializers.Serializer[None]):
        class Slot(serializers.Serializer[None]):
            time = serializers.CharField()
            seats_left = serializers.IntegerField()
            available = serializers.BooleanField()

        date = serializers.DateField()
        party_size = serializers.IntegerField()
        slots = Slot(many=True)

    @extend_schema(parameters=[Input], responses=Output, operation_id="voicebot_availability", tags=["voicebot"])
    def get(self, request: Request, business_id: int) -> Response:
        business = _business_for(request, business_id)
        data = self.Input(data=request.query_params)
        data.is_valid(raise_exception=True)
        day, size = data.validated_data["date"], data.validated_data["party_size"]
        return Response(
            {
                "date": day,
                "party_size": size,
                "slots": selectors.availability_for_day(business=business, day=day, party_size=size),
            }
        )


class ReservationListApi(APIView):
    class Filter(serializers.Serializer[None]):
        business = serializers.IntegerField(required=False)
        date = serializers.DateField(required=False)

    @extend_schema(
        parameters=[Filter],
        responses=paginated(ReservationOutput),
        operation_id="voicebot_reservations_list",
        tags=["voicebot"],
    )
    def get(self, request: Request) -> Response:
        data = self.Filter(data=request.query_params)
        data.is_valid(raise_exception=True)
        rows = selectors.reservation_list(
            user=request.user, business_id=data.validated_data.get("business"), day=data.validated_data.get("date")
        )
        return paginated_response(request, self, rows, ReservationOutput)


class ReservationCreateApi(APIView):
    class Input(serializers.Serializer[None]):
        business = serializers.IntegerField()
        date = serializers.DateField()
        time = serializers.TimeField()
        party_size = serializers.IntegerField(min_value=1)
        name = serializers.CharField(max_length=120)
        phone = serializers.CharField(max_length=32, required=False, allow_blank=True)

    @extend_schema(request=Input, responses={201: ReservationOutput}, tags=["voicebot"])
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        business = _business_for(request, v["business"])
        caller = (
            services.caller_get_or_create(business=business, phone=v["phone"])
            if selectors.normalize_number(v.get("phone", ""))
            else None
        )
        reservation = services.reservation_book(
            business=business, day=v["date"], time=v["time"], party_size=v["party_size"], name=v["name"], caller=caller
        )
        return Response(ReservationOutput(reservation).data, status=status.HTTP_201_CREATED)


def _reservation_for(request: Request, reservation_id: int) -> Reservation:
    return get_owned_or_404(Reservation.objects.select_related("business", "caller"), request.user, pk=reservation_id)


class ReservationDetailApi(APIView):
    @extend_schema(responses=ReservationOutput, tags=["voicebot"])
    def get(self, request: Request, reservation_id: int) -> Response:
        return Response(ReservationOutput(_reservation_for(request, reservation_id)).data)


class ReservationUpdateApi(APIView):
    class Input(serializers.Serializer[None]):
        date = serializers.DateField(required=False)
        time = serializers.TimeField(required=False)
        party_size = serializers.IntegerField(min_value=1, required=False)
        name = serializers.CharField(max_length=120, required=False)
        status = serializers.ChoiceField(choices=[Reservation.Status.NO_SHOW], required=False)

    @extend_schema(request=Input, responses=ReservationOutput, tags=["voicebot"])
    def patch(self, request: Request, reservation_id: int) -> Response:
        reservation = _reservation_for(request, reservation_id)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        if v.pop("status", None):
            reservation = services.reservation_mark_no_show(reservation=reservation)
        if v:
            reservation = services.reservation_change(
                reservation=reservation,
                day=v.get("date"),
                time=v.get("time"),
                party_size=v.get("party_size"),
                name=v.get("name"),
            )
        return Response(ReservationOutput(reservation).data)


class ReservationCancelApi(APIView):
    @extend_schema(request=None, responses=ReservationOutput, tags=["voicebot"])
    def post(self, request: Request, reservation_id: int) -> Response:
        reservation = services.reservation_cancel(reservation=_reservation_for(request, reservation_id))
        return Response(ReservationOutput(reservation).data)


class CallListApi(APIView):
    class Filter(serializers.Serializer[None]):
        business = serializers.IntegerField(required=False)

    @extend_schema(
        parameters=[Filter], responses=paginated(CallOutput), operation_id="voicebot_calls_list", tags=["voicebot"]
    )
    def get(self, request: Request) -> Response:
        data = self.Filter(data=request.query_params)
        data.is_valid(raise_exception=True)
        return paginated_response(
            request,
            self,
            selectors.call_list(user=request.user, business_id=data.validated_data.get("business")),
            CallOutput,
        )


class CallRecordingApi(APIView):
    @extend_schema(
        responses={(200, "audio/wav"): bytes, (206, "audio/wav"): bytes},
        description="The call's recording: stereo 8 kHz WAV, caller left, bot right. 404 when none was kept.",
        tags=["voicebot"],
    )
    def get(self, request: Request, call_id: int) -> HttpResponseBase:
        call = get_owned_or_404(Call.objects.all(), request.user, pk=call_id)
        name = str(call.recording.name) if call.recording else ""
        if not name or not call.recording.storage.exists(name):
            raise NotFound("This call has no recording.")
        return ranged_file_response(
            request,
            storage=call.recording.storage,
            name=name,
            filename=f"call-{call.pk}.wav",
            content_type="audio/wav",
            as_attachment=False,  # a recording the server wrote itself
        )


class CallDetailApi(APIView):
    @extend_schema(responses=CallDetailOutput, tags=["voicebot"])
    def get(self, request: Request, call_id: int) -> Response:
        call = get_owned_or_404(Call.objects.all(), request.user, pk=call_id)
        return Response(CallDetailOutput(call).data)


class ChatInput(serializers.Serializer[None]):
    text = serializers.CharField(max_length=textchat.MAX_TEXT)
    conversation = serializers.IntegerField(allow_null=True, required=False, default=None)


class ChatSlots(serializers.Serializer[None]):
    date = serializers.DateField(allow_null=True)
    time = serializers.CharField(allow_null=True)
    party_size = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)


class ChatOutput(serializers.Serializer[None]):
    conversation = serializers.IntegerField()
    reply = serializers.CharField()
    slots = ChatSlots()
    reservation = serializers.IntegerField(allow_null=True)
    done = serializers.BooleanField()


class ChatApi(APIView):
    """Book by text, as a caller would by phone: the staff test page's text box."""

    @extend_schema(request=ChatInput, responses=ChatOutput, operation_id="voicebot_chat", tags=["voicebot"])
    def post(self, request: Request, business_id: int) -> Response:
        business = _business_for(request, business_id)
        data = ChatInput(data=request.data)
        data.is_valid(raise_exception=True)
        answer = textchat.chat_turn(
            business=business,
            user=request.user,
            text=data.validated_data["text"],
            conversation_id=data.validated_data["conversation"],
        )
        return Response(answer)


class ChatSlashApi(ChatApi):
    """The same with a trailing slash (documented once, without it)."""

    @extend_schema(exclude=True)
    def post(self, request: Request, business_id: int) -> Response:
        return super().post(request, business_id)


class RevealedNumber(serializers.Serializer[None]):
    phone = serializers.CharField()
    revealed_at = serializers.DateTimeField()


def _revealed(request: Request, business: Business, caller: Caller | None, **source: Any) -> Response:
    """A caller's full number for owners and staff of the business, each look recorded (admin: number reveals)."""
    if business.role_of(request.user) not in {Membership.Role.OWNER, Membership.Role.STAFF}:
        raise PermissionDenied("Only the business's owners and staff can see a caller's number.")
    if caller is None or not caller.phone:
        raise Conflict("No caller number is kept for this booking or call.")
    phone, reveal = services.caller_number_reveal(user=request.user, caller=caller, **source)
    return Response({"phone": phone, "revealed_at": reveal.created_at})


class ReservationRevealNumberApi(APIView):
    @extend_schema(
        request=None, responses=RevealedNumber, operation_id="voicebot_reservation_reveal_number", tags=["voicebot"]
    )
    def post(self, request: Request, reservation_id: int) -> Response:
        reservation = _reservation_for(request, reservation_id)
        return _revealed(request, reservation.business, reservation.caller, reservation=reservation)


class CallRevealNumberApi(APIView):
    @extend_schema(
        request=None, responses=RevealedNumber, operation_id="voicebot_call_reveal_number", tags=["voicebot"]
    )
    def post(self, request: Request, call_id: int) -> Response:
        call = get_owned_or_404(Call.objects.select_related("business", "caller"), request.user, pk=call_id)
        return _revealed(request, call.business, call.caller, call=call)
