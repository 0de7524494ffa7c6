def move_to(recep):
    """
    Move to the given receptacle.
    """
    goto(recep)

def put_object(obj, recep):
    """
    Put the given object in the given receptacle.
    """
    if hold():
        take(obj, recep)
        put(obj, recep)
    else:
        print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def open_recep(recep):
    """
    Open the given receptacle.
    """
    print(f'Opening {recep}')

def close_recep(recep):
    """
    Close the given receptacle.
    """
    print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def toggle_light(obj):
    """
    Toggle the given light.
    """
    print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def heat_object(obj, recep):
    """
    Heat the object you hold with a microwave you are at, e.g. heat('egg 1', 'microwave 1').
    """
    print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def cool_object(obj, recep):
    """
    Cool the object you hold with a fridge you are at, e.g. cool('apple 1', 'fridge 1').
    """
    print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def use_object(obj):
    """
    Use the given object.
    """
    use(obj)

def examine_object(obj):
    """
    Examine the given object.
    """
    print('The action is not valid and therefore takes no effect. You are in the middle of the room and hold nothing.')

def hold():
    """
    Check if the agent is holding an object.
    """
    return True