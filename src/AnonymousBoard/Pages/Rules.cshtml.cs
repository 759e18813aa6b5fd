using AnonymousBoard.Boards;
using AnonymousBoard.Moderation;
using Microsoft.AspNetCore.Mvc;

namespace AnonymousBoard.Pages;

/// <summary>/{board}/rules: the board's rules, as its staff wrote them.</summary>
public sealed class RulesModel(BoardDirectory boards, BoardPolicies policies) : BoardPageModel(boards)
{
    public string Rules { get; private set; } = "";

    public IActionResult OnGet(string board)
    {
        if (!FindBoard(board))
        {
            return NotFound();
        }
        Rules = policies.Get(Board.Id).Rules;
        return Page();
    }
}
